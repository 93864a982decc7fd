"""Marketing Journeys: multi-step follow-ups that react to what each person does (docs/architecture.md)."""

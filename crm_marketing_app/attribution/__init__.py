"""Revenue attribution of Sales Orders and Sales Invoices to campaigns, and the Campaign revenue dashboard."""

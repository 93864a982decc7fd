"""Marketing suppliers and the costs of campaign activities."""

"""Resources, laid out like the official SDK's ``openai.resources``; loaded on first use."""

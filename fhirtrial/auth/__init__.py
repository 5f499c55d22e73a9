"""Who is calling and what they may do: SMART authorization (issue 14)."""

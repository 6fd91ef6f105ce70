"""The network seam: the one client every request goes through, and what it needs.

``client`` (politeness, retries, budgets, archiving), ``transport`` (one GET on the
wire), ``robots``, ``useragent``, ``wire`` (HTTP details), ``articles`` (page URLs).
"""

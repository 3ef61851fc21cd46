"""Pages of reward crowdfunding: thin views over crowdfunding.selectors and
crowdfunding.services (public.py: Discover and the campaign page)."""

"""Chronograph handlers of equity crowdfunding: none yet. Investor profiles and knowledge
tests lapse by their ``valid_until`` (the readiness selector compares it with the time
asked about), so nothing has to run at a deadline. Offering closes, reconfirmation
windows and refunds will register their handlers here."""

"""Cases: one per customer issue, the resolution ladder, SLA timers and the staff desk."""

"""Staff accounts: users, passwords, two-step login, password links, sessions and the limits on
guessing. Plain Python and SQLAlchemy, no Flask: the views in webapp/staff pass the request's
time, the settings and the database session in."""

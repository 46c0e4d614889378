"""The schedule domain: office hours, closures, holidays and presence. No Flask imports."""

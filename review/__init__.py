"""The review store and screens: every figure, flag and reviewer's decision kept in a real database."""

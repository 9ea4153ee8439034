"""The consult screens: the form and the thank-you screen."""

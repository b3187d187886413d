"""keras-gan's exception for configuration mistakes."""


class GANConfigurationError(ValueError):
    """A model, network, or data that do not fit together; the message says the fix.

    A `ValueError`, so code that catches `ValueError` keeps working.
    """

"""The JAX trainer of keras-gan models, and the training state it threads."""

"""The PyTorch trainer of keras-gan models."""

"""The `keras-gan` console script: parses its arguments before TensorFlow is imported.

`import keras_gan` imports the subpackages (and so TensorFlow) so that saved
models load; the command sets `KERAS_GAN_LAZY_IMPORTS=1` while it imports
`keras_gan.cli`, so `keras-gan --help` and `--version` answer at once and each
command imports only what it uses. This module lives outside the `keras_gan`
package because importing anything inside it runs the package's `__init__`
first.
"""

import os
import sys


def main(argv=None):
    """Runs `keras-gan`; returns its exit status."""
    lazy = "KERAS_GAN_LAZY_IMPORTS" not in os.environ
    if lazy:
        os.environ["KERAS_GAN_LAZY_IMPORTS"] = "1"
    try:
        from keras_gan import cli
    except ImportError as error:
        if "KERAS_BACKEND=" not in str(error):
            raise
        print(f"keras-gan: {error}", file=sys.stderr)  # the backend's package is missing: one line
        return 2
    finally:
        if lazy:
            del os.environ["KERAS_GAN_LAZY_IMPORTS"]
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())

"""A griffe extension: renders the `>>>` examples of Keras-style docstrings as code blocks.

Keras writes `Example:` followed by unindented doctest lines; Markdown would
read them as nested quotes. Each run of `>>>`/`...` lines and their output is
fenced as `pycon`, which the docs show highlighted, while pytest still runs
the docstrings as doctests.
"""

import griffe


def fence_doctests(text):
    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        if lines[i].lstrip().startswith(">>>"):
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
                i += 1
            out += [indent + "```pycon"] + [indent + line for line in block] + [indent + "```"]
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)

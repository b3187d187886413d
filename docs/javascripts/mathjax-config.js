// MathJax for pymdownx.arithmatex (generic mode), as Material for MkDocs documents it:
// typeset only the elements arithmatex marked, and again after each instant page load.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex"
  },
  svg: {
    fontCache: "global"
  }
};

if (typeof document$ !== "undefined") {
  document$.subscribe(() => {
    if (window.MathJax && MathJax.typesetPromise) {
      const output = MathJax.startup && MathJax.startup.output;
      if (output && typeof output.clearCache === "function") {
        output.clearCache();  // CHTML keeps a font cache; SVG has none
      }
      MathJax.typesetClear();
      MathJax.texReset();
      MathJax.typesetPromise();
    }
  });
}

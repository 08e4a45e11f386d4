MathJax.Hub.Config({
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
               linebreaks: {automatic: true}},
  // the hidden MathML copy for screen readers would fetch TeX fonts this package lacks: use local ones
  NativeMML: {styles: {
    "@font-face /*1*/": {"font-family": "MathJax_Caligraphic-WEB", src: "local('STIXGeneral')"},
    "@font-face /*2*/": {"font-family": "MathJax_Caligraphic-WEB", "font-weight": "bold", src: "local('STIXGeneral')"},
    "@font-face /*3*/": {"font-family": "MathJax_AMS-WEB", src: "local('STIXGeneral')"},
    "@font-face /*4*/": {"font-family": "MathJax_Script-WEB", src: "local('STIXGeneral')"},
    "@font-face /*5*/": {"font-family": "MathJax_Fraktur-WEB", src: "local('STIXGeneral')"},
    "@font-face /*6*/": {"font-family": "MathJax_Fraktur-WEB", "font-weight": "bold", src: "local('STIXGeneral')"}}},
  showMathMenu: false, messageStyle: "none"
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/gumbel.js");

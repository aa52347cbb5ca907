"""News pages, thin: parse, call one service or selector, render. `public`: the list and an
article; `editor`: writing, the review workflow and the desk; `pages`: the city's pages."""

// End-to-end tests of hovers, peek and the outline (issue: language features).

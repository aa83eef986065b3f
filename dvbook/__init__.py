"""The book machinery: executes the chapters, builds and translates the editions, prints them.

It imports the analysis library (:mod:`dvregions`); the library never imports it.
"""

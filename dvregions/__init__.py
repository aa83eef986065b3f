"""The analysis library of the book on how Dutch regions tackle domestic violence: data, statistics, charts, words."""

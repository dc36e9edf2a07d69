"""Text machinery shared by title work: measuring, character classes, words, segmentation.

``listingkit.text.segment`` is the only module that loads jieba, and only when
a title is segmented.
"""

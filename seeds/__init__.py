"""The labelled data shipped with dangjian (installed as ``dangjian.seeds``).

``seeds.jsonl`` holds the five seed articles' labels, ``corpus.jsonl`` the
corpus written for the project (see ``DATASHEET.md``); both are read by
``dangjian train`` and ``dangjian evaluate`` from any directory
(:func:`dangjian.model.data.shipped_data_files`).
"""

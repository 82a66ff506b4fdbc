"""The presentation layer shared by the pages, the reports and the CLI: the words, numbers, icons and
colours a status or a figure is shown with. Pure: no Streamlit, store driver or plotly.

- vocabulary: each status class and trend with its icon, colour and good/open flags; status counts.
- format: numbers, signed numbers, ordinals, dates and plurals in the user's language.
- phrases: the recurring sentences ("top N" goals, rank of N, localized names); a gap is format.signed.
- theme: the one palette (Okabe-Ito) the app's charts and the reports draw with.
"""

"""One module per report section, each registering its builder by id (metrics.reports.registry).

A builder takes the report's context (metrics.reports.context.ReportContext) and returns a
`Section` with every sentence translated and every number both as its value and as its text.
Modules starting with "_" are not sections.
"""

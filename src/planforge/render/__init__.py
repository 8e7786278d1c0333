"""The render end of the pipeline: the resolved plan as an HTML document and a PDF.

``view`` turns the resolved :class:`~planforge.model.Plan` into what the templates
show (localized labels, formatted money and dates, Gantt and chart geometry);
``html`` fills the Jinja2 templates; ``pdf`` prints the HTML with WeasyPrint.
Nothing here is imported by ``planforge validate``.
"""

"""Presentation shared by every output: how money, dates, quantities and targets are
written (``formatting``) and the words of the documents and exports per locale
(``labels``). The document (``render``), the exports (``export``), the change report
(``diff``) and the evaluation report all use it; it uses none of them.
"""

"""Date formats of the screen: the bijlage's own dd/mm/jjjj, in Dutch and in English.

``FORMAT_MODULE_PATH`` points here, so ``|date``, ``date_format(value, "SHORT_DATE_FORMAT")``,
the admin and every form field show and read dates one way in both languages (Django's own
English formats would read 09/02/2024 as 2 September).
"""

"""What the CSV files the staff bring back from a spreadsheet look like."""


def delimiter(first_line: str) -> str:
    """Return the separator of a CSV file, judged by its first line.

    Spreadsheets set to French or Dutch (Excel in Belgium) save CSV with semicolons.
    """
    return ";" if first_line.count(";") > first_line.count(",") else ","

"""The B2B side of the service: the LOI desk's APIs, spreadsheet import and reports."""

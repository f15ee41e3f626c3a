"""The one exception raised for bad or missing data set files."""


class DatasetError(ValueError):
    """A data set file is missing, truncated, corrupt or could not be fetched.

    The message names the file (or data set) and says what to do about it.
    """

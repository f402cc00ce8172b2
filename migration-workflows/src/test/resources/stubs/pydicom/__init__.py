def dcmread(path):
    raise FileNotFoundError(path)

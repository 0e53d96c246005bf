"""The user's settings: where their files are (xdg), the config file (config) and theme
files (theme_files). The bottom layer: it imports nothing else of podtui."""

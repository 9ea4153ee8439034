"""The config file: its declared schema, loading and errors, and the generated reference. No Qt."""

from kiosk.config.loading import (
    Config,
    ConfigProblem,
    SectionValues,
    check_value,
    complain,
    default_config_path,
    default_data_dir,
    defaults,
    load_config,
    production_problems,
    resolve_config_path,
)
from kiosk.config.schema import APP_NAME, CONFIG_ENV, SCHEMA, Option

__all__ = [
    "APP_NAME", "CONFIG_ENV", "SCHEMA", "Config", "ConfigProblem", "Option", "SectionValues",
    "check_value", "complain", "default_config_path", "default_data_dir", "defaults", "load_config",
    "production_problems", "resolve_config_path",
]

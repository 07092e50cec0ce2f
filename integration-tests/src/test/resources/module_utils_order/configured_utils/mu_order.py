# The configured copy of the module_util that ModuleUtilsOrderTest resolves.
WHERE = "configured"

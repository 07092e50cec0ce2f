# The role copy of the module_util that ModuleUtilsOrderTest resolves.
WHERE = "role"

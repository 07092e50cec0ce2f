# The playbook copy of the module_util that ModuleUtilsOrderTest resolves.
WHERE = "playbook"

# Kaapana's own 0.4 plugin code lives in plugins/kaapana; the 0.5 deployment replaces it, so the
# Kaapana scanner leaves it out. This file must produce no finding with WorkflowScanner.forKaapana.
from kaapana.operators.HelperMinio import HelperMinio


def form(conf):
    return conf["form_data"]

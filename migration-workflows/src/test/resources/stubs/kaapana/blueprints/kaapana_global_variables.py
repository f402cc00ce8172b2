DEFAULT_REGISTRY = "registry.example.org/kaapana"
KAAPANA_BUILD_VERSION = "0.5.2"
SERVICES_NAMESPACE = "services"
ADMIN_NAMESPACE = "admin"

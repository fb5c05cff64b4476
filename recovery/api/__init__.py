"""The recovery REST API (`rc/`): recovery certificates and the Form I demand notices they rest on."""

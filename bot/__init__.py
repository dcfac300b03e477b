"""The SEND advice assistant: knowledge base, NLU helpers, gateway and process runner."""
import os

# spaCy's thinc imports TensorFlow when it is installed (Rasa installs it); keep its start-up
# chatter out of every command's output. Real errors still surface as Python exceptions.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

import sys
from pathlib import Path

# Tests import their shared helpers (`support`) and the package from the repository.
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

"""System tests: the real `track server` binary under crashes, load and attack."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

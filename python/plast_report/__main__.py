import sys

from plast_report.report import main

sys.exit(main(sys.argv[1:]))

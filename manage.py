#!/usr/bin/env python3
from dtbd.manage import main

if __name__ == "__main__":
    main()

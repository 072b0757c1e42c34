"""
The flower's decision boundaries for hidden sizes 1 to 50
==========================================================

x
"""
print(1)

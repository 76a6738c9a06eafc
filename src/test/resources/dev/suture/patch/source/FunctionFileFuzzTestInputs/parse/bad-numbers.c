SUTURE_REPLACE_AT(vmlinux, f, -1, g);
SUTURE_SYMBOL_AT(vmlinux, h, 0);
SUTURE_FROB(x);

SUTURE_REPLACE(a, b
int x;
SUTURE_REPLACE(c, (d, e));
SUTURE_SHADOW_ID(n, t, 0x1ffffffffffffffff);


õ
10.0.1/rt/libmscordaccore.so*,dj 8Hÿÿÿÿ ¨j
HÿÿÿÿpjHÿÿÿÿ*rdbDSystem.Exception2XJ 8Hÿÿÿÿ ¨J
HÿÿÿÿpJHÿÿÿÿRj 8Hÿÿÿÿ ¨j
Hÿÿÿÿpj
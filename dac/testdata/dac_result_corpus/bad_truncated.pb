
¥
10.0.1/app/libcoreclr.so/app/libmscordaccore.so"version stamp*Àd€€üZAppb‚€€è System.InvalidOperationExceptionboom ‰ªÌ€øÿÿÿÿ2-System.ArgumentExceptioninnerJ
À€ø€¢ÿ?J
À€ø€¢ÿ?J
À€ø€¢ÿ?Rj€ ü€ ÿ? ÿ? j
À€ø€¢ÿ?j™³ú€¤ÿ? *He€ü@Z.NET TP Workerj€ ü€ ÿ? ÿ? j
À€ø€¢ÿ?j™³ú€¤ÿ? *Hf‚€ü@Z.NET TP Workerj€ ü€ ÿ? ÿ? j
À€ø€¢ÿ?j™
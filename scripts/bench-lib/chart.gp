# chart.gp: the `make bench` chart.  Called as
#   gnuplot -e "datafile='chart.dat'; outfile='chart.png'; ymin=0.1; ymax=100" chart.gp
# chart.dat columns: index, "x label", ratio (Linux/Cloister, ? if n/a),
# target ratio (? if none), "bar label", its height, 1 above / -1 below,
# its number of lines.
set terminal pngcairo size 1600,760 font "DejaVu Sans,11" noenhanced
set output outfile
set datafile missing "?"
set title "Cloister vs a Linux microVM in the same QEMU (TCG), same static guest: Linux / Cloister per metric\nabove 1x Cloister is faster or smaller; n/a: Cloister cannot run it yet; [icount]: -icount shift=0, 1 virtual ns per instruction"
set logscale y
set yrange [ymin:ymax]
set ylabel "Linux / Cloister (log scale)"
set format y "%gx"
set grid ytics
set style fill solid 0.85 border -1
set xtics nomirror font ",10"
set offsets 0.6, 0.6, 0, 0
set key top right
set bmargin 5
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 lc rgb "black"
# Bars grow from 1x (parity), up when Cloister is better, down otherwise.
# Bar labels sit just past the bar's end, further for more lines.
up(n) = 0.3 + 0.72 * n
plot datafile using 1:($3 >= 1 ? $3 : 1/0):($1-0.32):($1+0.32):(1):3:xtic(2) \
	with boxxyerror lc rgb "#2e8b57" title "Cloister better", \
     datafile using 1:($3 < 1 ? $3 : 1/0):($1-0.32):($1+0.32):3:(1) \
	with boxxyerror lc rgb "#c0504d" title "Linux better", \
     datafile using 1:4:($1-0.42):($1+0.42) with xerrorbars pt -1 lw 3 \
	lc rgb "#1f4e9c" title "target", \
     for [n=1:3] datafile using 1:($7 > 0 && $8 == n ? $6 : 1/0):5 \
	with labels offset 0, up(n) font ",10" notitle, \
     for [n=1:3] datafile using 1:($7 < 0 && $8 == n ? $6 : 1/0):5 \
	with labels offset 0, -up(n) font ",10" notitle

# chart.gp: the `make bench` chart.  Called as
#   gnuplot -e "datafile='chart.dat'; outfile='chart.png'; rows=19" chart.gp
# chart.dat, one line per row, top row first: y, "label", Cloister and
# Linux scaled to the larger of the two (? if none), the target's place
# on that scale (? if none), "Cloister figure", "Linux figure",
# "ratio and target", where the two figures are written (0 if none).
set terminal pngcairo size 1500, 110 + 46 * rows font "DejaVu Sans,11" noenhanced
set output outfile
set datafile missing "?"
set title "Cloister vs a Linux microVM in the same QEMU (TCG), same static guest\nEvery figure is lower-is-better; each row is scaled to its larger figure; ratio = Linux / Cloister (above 1x Cloister is better)\nBlack tick: where Cloister's bar must end to meet the target.  icount rows: -icount shift=0, 1 virtual ns per instruction"
set xrange [0:1.8]
set yrange [0.4:rows + 1.2]
unset xtics
set ytics nomirror scale 0
set ytics font ",10"
set grid noxtics noytics
set border 1
set lmargin 44
set style fill solid 0.9 noborder
set key top right horizontal
set arrow from 1.0, graph 0 to 1.0, graph 1 nohead dt 3 lc rgb "#999999"
h = 0.17
plot datafile using (0):($1 + 0.19):(0):3:($1 + 0.19 - h):($1 + 0.19 + h):ytic(2) \
	with boxxyerror lc rgb "#2e8b57" title "Cloister", \
     datafile using (0):($1 - 0.19):(0):4:($1 - 0.19 - h):($1 - 0.19 + h) \
	with boxxyerror lc rgb "#8c8c8c" title "Linux", \
     datafile using 9:($1 + 0.19):6 \
	with labels left offset 0.6, 0 font ",9" notitle, \
     datafile using 10:($1 - 0.19):7 \
	with labels left offset 0.6, 0 font ",9" notitle, \
     datafile using (1.32):($1):8 with labels left font ",10" notitle, \
     datafile using 5:($1 - 0.02):(0):(0.44) with vectors nohead lw 3 \
	lc rgb "black" title "target"

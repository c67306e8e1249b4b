const { src, dest, parallel } = require('gulp');

/** Icons next to the compiled credential and nodes (tsc does not copy them). */
function icons() {
	return src(['icons/*.svg', 'nodes/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist'));
}

/** Codex files (*.node.json) next to the compiled nodes. */
function codex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

exports['build:assets'] = parallel(icons, codex);
